// Not a test file: its name does not end in .test.nut.
