from experiments.what_cnns_see.main import main

main()
