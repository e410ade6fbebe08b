// Found through -I (tests/frontend/pp/incdir).
#ifndef INC_B_H
#define INC_B_H
int from_b;
#define B_VALUE 2
#endif
