from experiments.char_rnn.main import main

main()
