from flowday.cli import main

raise SystemExit(main())
