from experiments.optimizers.main import main

main()
