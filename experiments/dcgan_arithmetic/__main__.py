from experiments.dcgan_arithmetic.main import main

main()
