from experiments.worked_examples.main import main

main()
