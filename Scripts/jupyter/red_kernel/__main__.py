"""`python3 -m red_kernel -f CONNECTION_FILE`: the entry point of the `red` kernelspec."""

from ipykernel.kernelapp import IPKernelApp

from .kernel import RedKernel

IPKernelApp.launch_instance(kernel_class=RedKernel)
