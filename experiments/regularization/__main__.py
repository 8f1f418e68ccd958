from experiments.regularization.main import main

main()
