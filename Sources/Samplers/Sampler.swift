import TensorCore
import Diffusion
import Degradations
