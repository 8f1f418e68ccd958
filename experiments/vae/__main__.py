from experiments.vae.main import main

main()
