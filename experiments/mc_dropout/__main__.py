from experiments.mc_dropout.main import main

main()
