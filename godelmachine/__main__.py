from godelmachine.cli.main import main

main()
