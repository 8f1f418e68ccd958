from experiments.batch_norm.main import main

main()
