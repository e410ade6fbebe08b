# Checks that docs/api.md shows the example program verbatim (inside its ```cpp block):
# cmake -DDOC=docs/api.md -DEXAMPLE=tests/runtime/api_example.cpp -P this.
file(READ ${DOC} doc)
file(READ ${EXAMPLE} example)
string(FIND "${doc}" "```cpp\n${example}```" at)
if(at EQUAL -1)
  message(FATAL_ERROR "${DOC} does not contain ${EXAMPLE} verbatim in a ```cpp block; paste the "
                      "file into the doc's example section")
endif()
