from experiments.conv_arithmetic.main import main

main()
