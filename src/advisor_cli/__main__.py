from advisor_cli.cli import main

main()
