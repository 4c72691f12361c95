"""The MkDocs side: the hook, the tag language, formulas, notebook pages, the playground export, the audit."""
