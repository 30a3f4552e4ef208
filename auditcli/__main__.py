from auditcli.app.cli import main

if __name__ == "__main__":  # not again in a check worker process (multiprocessing imports this module)
    main()
