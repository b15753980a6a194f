# python3 render_expected.py TEMPLATE CONVERSATION.json OUT.txt (jinja2 3.x); made qwen-*-expected.txt
# Renders the Qwen2.5 template as transformers' apply_chat_template does (jinja2, trim_blocks,
# lstrip_blocks, tojson = json.dumps(ensure_ascii=False)); writes the expected prompt text.
import json, jinja2, jinja2.ext, sys
from jinja2.sandbox import ImmutableSandboxedEnvironment
def raise_exception(m): raise jinja2.exceptions.TemplateError(m)
env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[jinja2.ext.loopcontrols])
env.filters["tojson"] = lambda x, ensure_ascii=False, indent=None, separators=None, sort_keys=False: json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)
env.globals["raise_exception"] = raise_exception
tmpl = env.from_string(open(sys.argv[1]).read())
conv = json.load(open(sys.argv[2]))
out = tmpl.render(messages=conv["messages"], tools=conv.get("tools"), add_generation_prompt=True)
open(sys.argv[3], "w").write(out)
