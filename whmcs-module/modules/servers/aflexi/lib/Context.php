<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Aflexi;

/**
 * One module call (or one hook's work on one service): its $params, the secrets to mask,
 * and, made on first use, the connection to Aflexi, the service's data and the records.
 * ModuleCall creates it, hands it to the body, then logs what it collected.
 */
final class Context
{
    public readonly Secrets $secrets;
    private ?Connection $connection = null;
    private ?PublisherRecords $records = null;
    /** @var array<string, mixed> facts for the outcome entry of the module log */
    private array $notes = [];

    /**
     * @param array<string, mixed> $params the module call's $params (hooks pass a few ids)
     * @param (\Closure(Context): Connection)|null $connect how to reach Aflexi; default: the server fields of $params
     */
    public function __construct(
        public readonly string $action,
        public readonly array $params = [],
        private ?\Closure $connect = null,
        private ?ServiceData $service = null,
    ) {
        $this->secrets = new Secrets();
        $this->secrets->add(
            $params['password'] ?? null,
            $params['serverpassword'] ?? null,
            $params['serveraccesshash'] ?? null,
            is_string($params['serveraccesshash'] ?? null) ? trim($params['serveraccesshash']) : null,
        );
        if ($service !== null) {
            $this->secrets->add($service->password);
        }
    }

    /** The connection to Aflexi (its secrets are added to the mask list as it is made). */
    public function connection(): Connection
    {
        if ($this->connection === null) {
            $connect = $this->connect ?? static fn (Context $c): Connection => Connection::fromParams($c->params);
            $this->connection = $connect($this);
            $this->secrets->add(...$this->connection->secrets());
        }
        return $this->connection;
    }

    /** The connection if one was made. */
    public function connectionIfMade(): ?Connection
    {
        return $this->connection;
    }

    public function client(): \Aflexi\Client
    {
        return $this->connection()->client();
    }

    public function service(): ServiceData
    {
        if ($this->service === null) {
            $this->service = ServiceData::fromParams($this->params);
            $this->secrets->add($this->service->password);
        }
        return $this->service;
    }

    /** Sets the service this call is about (hooks read it from the tables, not from $params). */
    public function useService(ServiceData $service): void
    {
        $this->service = $service;
        $this->secrets->add($service->password);
    }

    public function records(): PublisherRecords
    {
        return $this->records ??= new PublisherRecords();
    }

    /** Adds a fact to the outcome entry of the module log (never a secret: it is masked anyway). */
    public function note(string $key, mixed $value): void
    {
        $this->notes[$key] = $value;
    }

    /** @return array<string, mixed> */
    public function notes(): array
    {
        return $this->notes;
    }

    /** What the call was about, for the log: ids and names, no secrets. */
    public function summary(): array
    {
        $summary = [];
        foreach (['serviceid', 'userid', 'pid', 'serverid', 'username', 'domain', 'status', 'configoption1', 'serverhostname', 'serverusername'] as $key) {
            if (isset($this->params[$key]) && is_scalar($this->params[$key]) && $this->params[$key] !== '') {
                $summary[$key] = $this->params[$key];
            }
        }
        return $summary;
    }
}
