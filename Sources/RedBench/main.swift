import TensorCore

benchOperators(quick: CommandLine.arguments.contains("--quick"))   // operators: mask, sr4, Gaussian blur
