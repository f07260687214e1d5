print("red")
