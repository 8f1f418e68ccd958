from experiments.rnn_names.main import main

main()
