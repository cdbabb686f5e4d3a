"""Import of a scenario: the CSV files of the data contract (docs in README.md, 'Importing data')."""
