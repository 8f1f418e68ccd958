from experiments.hyperparameter_search.main import main

main()
