<?php
/**
 * The small part of Smarty that email templates need (tests/whmcs/README.md#merge-fields): `{$var}`, `{$var.key}` for
 * array merge fields, and the `|escape` modifier (`|escape`, `|escape:'html'`). Unknown
 * variables render as '' (WHMCS does not show Smarty notices in emails). A `{` followed by
 * whitespace is literal text, as with Smarty's auto-literal; any other tag ({if}, {foreach},
 * other modifiers...) is outside the subset and throws UnsupportedTemplateSyntax, so a
 * template never silently renders differently from WHMCS.
 */

declare(strict_types=1);

namespace WhmcsHarness\Email;

final class SmartySubset
{
    private const VARIABLE = '/^\$([A-Za-z_][A-Za-z0-9_]*)((?:\.[A-Za-z0-9_]+)*)(\|escape(?::([\'"])html\4)?)?$/';

    /** @param array<string, mixed> $vars */
    public static function render(string $template, array $vars): string
    {
        return (string) preg_replace_callback('/\{(?=[^\s}])([^{}]*)\}/', static function (array $m) use ($vars): string {
            if (!preg_match(self::VARIABLE, $m[1], $parts)) {
                throw new UnsupportedTemplateSyntax($m[0]);
            }
            $value = $vars[$parts[1]] ?? null;
            foreach (array_filter(explode('.', $parts[2]), 'strlen') as $key) {
                $value = is_array($value) ? ($value[$key] ?? null) : null;
            }
            $text = is_array($value) ? 'Array' : (is_bool($value) ? ($value ? '1' : '') : (string) $value);
            return !empty($parts[3]) ? htmlspecialchars($text, ENT_QUOTES, 'UTF-8') : $text;
        }, $template);
    }
}
