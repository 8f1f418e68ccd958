from experiments.activations.main import main

main()
