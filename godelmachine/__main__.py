from godelmachine.cli import main

main()
