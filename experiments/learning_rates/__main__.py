from experiments.learning_rates.main import main

main()
