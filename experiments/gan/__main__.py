from experiments.gan.main import main

main()
