// glibc's allocator tuning (mallopt and its parameters), read by TensorCore's AllocatorPolicy.
#include <malloc.h>
