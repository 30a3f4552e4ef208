from auditcli.cli import main

main()
