// imp profile: 32-bit floats printed as C's %g.
print(1.0 / 3 + " " + 2.0 / 3 + " " + 0.1 + " " + 5.125 + " " + 1.0 + "\n")
print(1e20 + " " + 1234567.0 + " " + 1e-5 + " " + (-0.0) + "\n")
print((16777216.0 + 1.0) + " " + (0.1 + 0.2) + " " + (1.5).tostring() + "\n")
print(format("%.3f %e %g", math.PI, 1234.5, 0.0001) + "\n")
print(math.sqrt(2) + " " + typeof math.floor(2.5) + "\n")
