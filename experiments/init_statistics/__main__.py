from experiments.init_statistics.main import main

main()
