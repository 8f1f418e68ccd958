from experiments.lenet5_mnist.main import main

main()
