from experiments.pretraining.main import main

main()
