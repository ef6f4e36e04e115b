<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\AflexiCdn;

/**
 * Markup a template produced (View::render): View::e() prints it as it is, so a page that
 * puts one template inside another escapes each value once, never twice.
 */
final class Html implements \Stringable
{
    public function __construct(private readonly string $markup)
    {
    }

    public function __toString(): string
    {
        return $this->markup;
    }
}
