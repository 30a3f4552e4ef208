from auditcli.app.cli import main

main()
