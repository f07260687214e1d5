import ScriptLang
