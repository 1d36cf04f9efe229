from carenet.cli import main

main()
