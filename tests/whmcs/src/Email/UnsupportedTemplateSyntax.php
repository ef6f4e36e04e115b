<?php
/**
 * A template uses Smarty beyond the harness's subset (see SmartySubset). This is a limit of the
 * stand-in, not a WHMCS error: extend SmartySubset (with a test) or simplify the template.
 */

declare(strict_types=1);

namespace WhmcsHarness\Email;

final class UnsupportedTemplateSyntax extends \LogicException
{
    public function __construct(public readonly string $tag)
    {
        parent::__construct("Smarty tag $tag is outside the harness's Smarty subset ({\$var}, {\$var.key}, {\$var|escape})");
    }
}
