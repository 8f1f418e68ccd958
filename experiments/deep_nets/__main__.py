from experiments.deep_nets.main import main

main()
