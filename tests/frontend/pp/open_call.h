// Defines F nowhere: calls the F of the includer and never closes it.
F(
