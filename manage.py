#!/usr/bin/env python
from tousu.cli import main

if __name__ == "__main__":
    main()
