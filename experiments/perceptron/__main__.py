from experiments.perceptron.main import main

main()
