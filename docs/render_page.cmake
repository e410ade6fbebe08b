# Renders one Markdown page to HTML with cmark, wraps it in a page template and rewrites links
# between pages (foo.md -> foo.html, README.md -> index.html).
execute_process(COMMAND ${CMARK} --unsafe ${IN} OUTPUT_VARIABLE body RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cmark failed on ${IN}")
endif()
string(REGEX REPLACE "href=\"(docs/)?([A-Za-z0-9_-]+)\\.md" "href=\"\\2.html" body "${body}")
string(REPLACE "href=\"README.html" "href=\"index.html" body "${body}")
string(REPLACE "href=\"../README.html" "href=\"index.html" body "${body}")
get_filename_component(name ${IN} NAME_WE)
file(WRITE ${OUT} "<!doctype html>
<html><head><meta charset=\"utf-8\"><title>gpuc: ${name}</title>
<style>body{max-width:58rem;margin:2rem auto;padding:0 1rem;font-family:system-ui,sans-serif;line-height:1.5}
pre{background:#f4f4f4;padding:.75rem;overflow-x:auto}code{font-size:90%}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.25rem .5rem}</style></head>
<body><nav><a href=\"index.html\">gpuc</a> · <a href=\"getting-started.html\">getting started</a> ·
<a href=\"language.html\">language</a> · <a href=\"cli.html\">CLI</a> · <a href=\"api.html\">API</a> ·
<a href=\"ir.html\">IR</a> · <a href=\"architecture.html\">architecture</a></nav>
${body}</body></html>
")
