print("ok\n")
