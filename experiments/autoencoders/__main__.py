from experiments.autoencoders.main import main

main()
