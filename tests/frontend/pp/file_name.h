// __FILE__ and __LINE__ in an included file.
__FILE__ __LINE__
