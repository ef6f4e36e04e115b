<?php
/**
 * The demo's voice and judge (tests/demo/story.php): numbered scenes, one readable line per
 * thing that happened, a ✓/✗ line per outcome checked, the failures kept for the exit code,
 * passwords masked (unless asked to show them), and tables.
 *
 * AFLEXI_DEMO_BREAK=<text> turns the first check whose description contains <text> into a
 * wrong expectation: how tests/demo/fails-when-wrong.sh proves the demo can fail.
 */

declare(strict_types=1);

namespace AflexiDemo;

final class Narrator
{
    private int $scene = 0;
    /** @var list<string> */
    private array $failures = [];
    private int $checks = 0;
    private ?string $break;

    public function __construct(private readonly bool $showSecrets)
    {
        $break = getenv('AFLEXI_DEMO_BREAK');
        $this->break = is_string($break) && $break !== '' ? $break : null;
    }

    public function scene(string $title): void
    {
        $this->scene++;
        echo "\n== {$this->scene}. $title\n";
    }

    /** Something that happened (WHMCS → Aflexi). */
    public function say(string $line): void
    {
        echo "   $line\n";
    }

    /** One outcome: true is right. */
    public function check(bool $right, string $what): bool
    {
        $this->checks++;
        if ($this->break !== null && str_contains($what, $this->break)) {
            $this->break = null;
            $right = !$right;
            $what .= ' [deliberately broken by AFLEXI_DEMO_BREAK]';
        }
        echo $right ? "   ✓ $what\n" : "   ✗ $what\n";
        if (!$right) {
            $this->failures[] = "scene {$this->scene}: $what";
        }
        return $right;
    }

    /** One outcome as expected/actual values; the failure line shows both. */
    public function same(mixed $expected, mixed $actual, string $what): bool
    {
        $right = $expected === $actual;
        return $this->check($right, $right ? $what : "$what: expected " . self::show($expected) . ', got ' . self::show($actual));
    }

    /** A password as the demo prints it: masked with its length, or in clear when asked. */
    public function secret(string $password): string
    {
        if ($this->showSecrets) {
            return $password;
        }
        return '•••••• (' . strlen($password) . ' characters, masked: demo output may end up in CI logs; --show-passwords shows it)';
    }

    public function sceneNumber(): int
    {
        return $this->scene;
    }

    public function checks(): int
    {
        return $this->checks;
    }

    /** @return list<string> */
    public function failures(): array
    {
        return $this->failures;
    }

    /**
     * @param list<string> $headers
     * @param list<list<string>> $rows
     * @param int $split the first column of the second half (a double rule before it), or 0
     */
    public function table(array $headers, array $rows, int $split = 0): void
    {
        $widths = array_map('mb_strwidth', $headers);
        foreach ($rows as $row) {
            foreach ($row as $i => $cell) {
                $widths[$i] = max($widths[$i], mb_strwidth($cell));
            }
        }
        $join = static function (array $parts, string $bar, string $double) use ($split): string {
            $out = '';
            foreach ($parts as $i => $part) {
                $out .= ($i === 0 ? '' : ($i === $split ? $double : $bar)) . $part;
            }
            return $out;
        };
        $line = static function (array $cells) use ($widths, $join): string {
            $out = [];
            foreach ($cells as $i => $cell) {
                $out[] = $cell . str_repeat(' ', $widths[$i] - mb_strwidth($cell));
            }
            return '   ' . rtrim($join($out, ' │ ', ' ║ ')) . "\n";
        };
        echo $line($headers);
        echo '   ' . $join(array_map(static fn (int $w): string => str_repeat('─', $w), $widths), '─┼─', '─╫─') . "\n";
        foreach ($rows as $row) {
            echo $line($row);
        }
    }

    private static function show(mixed $value): string
    {
        return $value === null ? 'nothing' : var_export($value, true);
    }
}
