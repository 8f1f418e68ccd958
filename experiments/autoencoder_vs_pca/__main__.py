from experiments.autoencoder_vs_pca.main import main

main()
