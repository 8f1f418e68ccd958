from experiments.committee.main import main

main()
