// Shared declarations of the hand-written GLSL test kernels: the gpuc launch ABI (parameters in a
// scalar-layout push-constant block, pointers as buffer device addresses, block size from SpecIds
// 0/1/2).
#extension GL_EXT_buffer_reference : require
#extension GL_EXT_scalar_block_layout : require
layout(local_size_x_id = 0, local_size_y_id = 1, local_size_z_id = 2) in;
layout(buffer_reference, scalar) buffer Floats { float v[]; };
layout(buffer_reference, scalar) buffer Uints { uint v[]; };
